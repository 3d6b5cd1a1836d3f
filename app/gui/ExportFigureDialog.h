#pragma once
// File → Export Figure: which panel, where, and at what resolution. The format follows the file
// name's suffix (.png, .svg, .pdf).

#include <QComboBox>
#include <QDialog>
#include <QLineEdit>
#include <QSpinBox>

namespace rnnscope {

class Panel;

class ExportFigureDialog : public QDialog {
    Q_OBJECT
public:
    ExportFigureDialog(const QList<Panel*>& panels, Panel* current, QWidget* parent = nullptr);
    QString path() const { return path_->text(); }
    Panel* panel() const;
    int dpi() const { return dpi_->value(); }
    void exportNow() const;  // throws UserError

private:
    void browse();
    void updateState();

    QList<Panel*> panels_;
    QComboBox* panelBox_;
    QLineEdit* path_;
    QSpinBox* dpi_;
    QPushButton* ok_ = nullptr;
};

}  // namespace rnnscope
